"""Exchange clients behind one interface; see base.ExchangeClient.

Every exchange package has the same modules (tests/unit/exchanges/framework/test_package_shape.py):
``constants`` (paths, limits, code tables), ``auth`` (signing and what orders signed calls), ``errors``
(the exchange's codes -> errors.py), ``schemas`` (raw wire shapes), ``convert`` (raw shapes <-> the
neutral models.py, wire formatting), ``client`` (the one ExchangeClient subclass); where needed
``models`` (results with no neutral model), ``stream`` (websocket), ``callback`` (the exchange's POSTs
to us), ``cache`` (answers kept in Redis to spare requests).
"""
