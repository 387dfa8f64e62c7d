"""Client for exchanger sites running the Premium Exchanger script (API v1, one site per account)."""
