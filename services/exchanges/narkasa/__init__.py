"""Narkasa: REST client (client.NarkasaClient) and websocket streams (stream.NarkasaStream)."""
