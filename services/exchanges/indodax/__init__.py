"""Indodax: private TAPI (POST /tapi, HMAC-SHA512 over the form body) and public /api market data."""
