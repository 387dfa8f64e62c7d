"""Iqfinex spot exchange: REST API at https://datacenter.iqfinex.com/v1/ with a raw key in Authorization."""
