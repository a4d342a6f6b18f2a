"""A trainee's rating per competency across periods, as coordinates for a server-drawn SVG
(templates/program/_rating_chart.html); the same numbers are given as a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, TOP, BOTTOM, RIGHT = 320, 140, 36, 12, 28, 12


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    level: int
    period: str


@dataclass(frozen=True)
class Chart:
    label: str
    points: list[ChartPoint]
    ticks: list[tuple[float, str]]  # x, period name
    levels: list[tuple[float, int]]  # y, level

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}"
            for i, p in enumerate(self.points)
        )


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(level: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (5 - level) / 4


def rating_chart(series: list[tuple[str, list]], periods: list) -> list[Chart]:
    """One small chart per competency: its signed level (1-5) in each period."""
    ticks = [(_x(i, len(periods)), p.name) for i, p in enumerate(periods)]
    levels = [(_y(level), level) for level in range(1, 6)]
    charts = []
    for label, points in series:
        charts.append(
            Chart(
                label=label,
                points=[
                    ChartPoint(_x(i, len(points)), _y(p.level), p.level, p.period.name)
                    for i, p in enumerate(points)
                    if p.level is not None
                ],
                ticks=ticks,
                levels=levels,
            )
        )
    return charts
