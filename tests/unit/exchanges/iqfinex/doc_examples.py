"""The response examples of iqfinex.txt, made valid JSON (the document's have comments and missing commas).

ASSETS and TICKERS are not in the document (it shows only the one-item calls): the lists are the one-item
examples in the shapes the client accepts.
"""

CURRENCY = """{"status":200,"data":{"name":"BTC","alias":"Bitcoin","commission":0.0005,"type":"Coin",
"confirmations":6,"min_withdrawal":0.001,"min_deposit":0.001,"isDeposit":true,"isWithdrawal":true}}"""

ASSET = """{"status":200,"data":{"pair":"BTCUSDT","right":"USDT","left":"BTC","accuracy":2,
"min_volume":0.001,"isTrade":true}}"""

ASSETS = """{"status":200,"data":[
{"pair":"BTCUSDT","right":"USDT","left":"BTC","accuracy":2,"min_volume":0.001,"isTrade":true},
{"pair":"ETHBTC","right":"BTC","left":"ETH","accuracy":6,"min_volume":0.01,"isTrade":true},
{"pair":"MODETH","right":"ETH","left":"MOD","accuracy":4,"min_volume":1,"isTrade":false}]}"""

TICKER_DATA = """{"bid":3368.69,"ask":3376.13,"bid_vol":0.8359902,"ask_vol":3.3522075,"buy_size":144.0633642,
"sell_size":29.8255086,"high":3530.87,"low":3342.87,"last":3373.18,"volume24":198.65963,
"percentChange":-3.89,"timestamp":1552290919}"""
TICKER = '{"status":200,"data":' + TICKER_DATA + "}"
TICKERS = '{"status":200,"data":{"BTCUSDT":' + TICKER_DATA + "}}"

ORDERBOOK = """{"status":200,"data":{
"buy":{"3373":[0.03,1],"3375":[0.312,1],"3376":[0.0024783,1],"3377":[0.15,1]},
"sell":{"3395":[0.2297748,1],"3396":[0.015,1],"3397":[0.0896475,1],"3398":[1.2776565,2]}}}"""

TRADES = """{"status":200,"data":{"count":134204,"rows":[
{"id":752986,"type":"sell","volume":0.030548,"price":3388.65,"close_time":1544180753,"asset":"BTCUSDT"},
{"id":752977,"type":"buy","volume":0.050624,"price":3388.45,"close_time":1544180720,"asset":"BTCUSDT"},
{"id":752966,"type":"sell","volume":0.055038,"price":3389.29,"close_time":1544180681,"asset":"BTCUSDT"}]}}"""

CANDLES = """{"status":200,"data":{"count":3600,"rows":[
[0.034375,0.034399,0.03428,0.034381,4.1961],
[0.034322,0.034425,0.03417,0.034375,15.3358,1552378200],
[0.034358,0.034358,0.0339,0.034322,30.36213,1552377900]]}}"""

ACCOUNT_INFO = """{"status":200,"data":{"id":1,"email":"test@test.com","role":1,"keylabel":"Development",
"isTrade":false,"isWithdrawal":false,"whitelist":"1.1.1.1,2.2.2.2"}}"""

BALANCE = """{"status":200,"data":{"BTC":{"balance":1.5,"free_balance":1.2},
"BTG":{"balance":0,"free_balance":0},"ETH":{"balance":52.48052531,"free_balance":52.48052531}}}"""

ORDER_OPENED = """{"status":200,"data":{"id":304962,"asset":"ETHBTC","cmd":"sell","volume":1.245,
"type":"LIMIT","price":0.03437,"original_volume":1.245,"executed_volume":0,"open_time":1552371582,
"status":"active"}}"""

ORDER_CANCELED = """{"status":200,"data":{"id":304964,"asset":"ETHBTC","cmd":"sell","volume":1.52,
"type":"LIMIT","price":0.03437,"open_time":1552460758,"original_volume":1.52,"executed_volume":0,
"status":"canceled"}}"""

ORDERS_OPENED = """{"status":200,"data":{"count":1,"rows":[{"id":304963,"asset":"ETHBTC","cmd":"sell",
"volume":1.52,"type":"LIMIT","price":0.03437,"open_time":1552460758,"original_volume":1.52,
"executed_volume":0,"status":"active"}]}}"""

ORDERS_CLOSED = """{"status":200,"data":{"count":95,"rows":[
{"id":17967862,"original_volume":5249.418,"executed_volume":5249.418,"price":0.001,"cmd":"sell",
"asset":"MODETH","type":"LIMIT","open_time":1552632204,"close_time":1552632205,"status":"closed"},
{"id":17967861,"original_volume":5249.418,"executed_volume":5249.418,"price":0.001,"cmd":"buy",
"asset":"MODETH","type":"LIMIT","open_time":1552632196,"close_time":1552632205,"status":"closed"}]}}"""

ORDER_STATUS = """{"status":200,"data":{"id":17355056,"original_volume":4118.95858777,
"executed_volume":4118.95858777,"price":0.0013,"cmd":"sell","asset":"MODETH","type":"LIMIT",
"open_time":1552117699,"close_time":1552117699,"status":"closed"}}"""

MY_TRADES = """{"status":200,"data":{"count":95,"rows":[{"id":17967861,"id_user":3,"volume":5249.418,
"price":0.001,"cmd":"buy","asset":"MODETH","commission":7.874127,"commissionCurrency":"MOD",
"open_time":1552632196,"target_user":3,"close_time":1552632205,"order_id":17967861}]}}"""
