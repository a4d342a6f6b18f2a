"""Module and quiz files: their schema, loader, rendering, scoring and item-writing rules."""
