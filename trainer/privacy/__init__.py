"""De-identification: free text a trainee or supervisor writes must not identify a client."""
