"""The document's response examples, written as valid JSON (its "..." and comments removed)."""

SERVER_TIME = '{"timezone":"UTC","server_time":1571205969552}'

PAIRS = """[{"id":"btcidr","symbol":"BTCIDR","base_currency":"idr","traded_currency":"btc",
"ticker_id":"btc_idr","price_round":8,"volume_precision":0,"trade_min_base_currency":50000,
"trade_min_traded_currency":0.0001,"trade_fee_percent":0.3,"is_maintenance":0},
{"id":"ethidr","symbol":"ETHIDR","base_currency":"idr","traded_currency":"eth",
"ticker_id":"eth_idr","price_round":8,"volume_precision":0,"trade_min_base_currency":50000,
"trade_min_traded_currency":0.001}]"""

TICKER_ALL = """{"tickers":{"btc_idr":{"high":"1050000000","low":"990000000","vol_btc":"12.5",
"vol_idr":"12800000000","last":"1000000000","buy":"999000000","sell":"1001000000",
"server_time":1571205969,"name":"Bitcoin"}}}"""

TICKER = """{"ticker":{"high":"1050000000","low":"990000000","vol_btc":"12.5","vol_idr":"12800000000",
"last":"1000000000","buy":"999000000","sell":"1001000000","server_time":1571205969,"name":"Bitcoin"}}"""

DEPTH = '{"buy":[[511,"176.61"],[510,"10"]],"sell":[[512,"1591.21"],[513,"5"]]}'

TRADES = '[{"date":"1571207255","price":"511","amount":"123.19","tid":"1623490","type":"sell"}]'

HISTORY = """[{"Time":1699328700,"Open":1000,"High":1010,"Low":990,"Close":1005,"Volume":"14814.00000000"},
{"Time":1699328760,"Open":1005,"High":1020,"Low":1000,"Close":1015,"Volume":"1.00000000"}]"""

GET_INFO = """{"success":1,"return":{"server_time":1578638762,
"balance":{"idr":0,"btc":"0.00000000","eth":"1.50000000"},
"balance_hold":{"idr":0,"btc":"0.00000000","eth":"0.25000000"},
"address":{"btc":"17wGZJCHfi1MJXY9V8NrbSwBYmUM2wXdER","1inch":"0xaDF5bF5e8fa6966451D6cf43A9dbe3f142695362",
"eth":"0xa6fd81330501442e8dff403f966b6e023a53763e"},
"network":{"btc":"mainnet","1inch":"erc20","eth":["eth","arb","op","base"]},
"memo_is_required":{"btc":{"mainnet":false},"1inch":{"erc20":false},
"eth":{"eth":false,"arb":false,"op":false,"base":false}},
"user_id":"00001","name":"Jhon Doe","email":"[email protected]","profile_picture":null,
"verification_status":"verified","gauth_enable":true,"withdraw_status":1}}"""

TRANS_HISTORY = """{"success":1,"return":{
"withdraw":{"idr":[{"status":"success","type":"coupon","rp":"115205","fee":"500","amount":"114705",
"submit_time":"1539844166","success_time":"1539844189","withdraw_id":"1783717",
"tx":"BTC-IDR-RDTVVO2P-ETD0EVAW-VTNZGMIR-HTNTUAPI-84ULM9OI"}],"btc":[],"abyss":[]},
"deposit":{"idr":[{"status":"success","type":"duitku","rp":"393000","fee":"5895","amount":"387105",
"submit_time":"1576555012","success_time":"1576555012","deposit_id":"3395438","tx":"Duitku OVO Settlement"}],
"btc":[{"status":"success","btc":"0.00118769","amount":"0.00118769","success_time":"1539529208",
"deposit_id":"3602369","tx":"c816aeb35a5b42f389970325a32aff69bb6b2126784dcda8f23b9dd9570d6573"}],
"abyss":[]}}}"""

TRADE = """{"success":1,"return":{"receive_btc":"0.00000000","spend_rp":0,"fee":0,"remain_rp":5000000,
"order_id":59632813,"client_order_id":"clientx-sj82ks82j"}}"""

TRADE_HISTORY = """{"success":1,"return":{"trades":[{"trade_id":"17393994","order_id":"59636253",
"type":"sell","btc":"0.00313482","price":"107202000","fee":"0","trade_time":"1578645297","client_order_id":"clientx-sj82ks82j"}]}}"""

_OPEN_ORDER_ROWS = """[{"order_id":"172","client_order_id":"clientx-sj82ks82j","submit_time":"1693226027",
"price":"421004000","type":"sell","order_type":"limit","order_btc":"0.02000000","remain_btc":"0.00133450"},
{"order_id":"173","client_order_id":"clientx-sj82ks83j","submit_time":"1693280465",
"price":"421003000.00000000","type":"buy","order_type":"stoplimit","order_idr":"1266293.00000000",
"remain_idr":"1266293.00000000"}]"""

OPEN_ORDERS_PAIR = '{"success":1,"return":{"orders":' + _OPEN_ORDER_ROWS + "}}"
OPEN_ORDERS_ALL = '{"success":1,"return":{"orders":{"btc_idr":' + _OPEN_ORDER_ROWS + "}}}"

ORDER_HISTORY = """{"success":1,"return":{"orders":[{"order_id":"59639504",
"client_order_id":"clientx-sj82ks82j","type":"buy","price":"100207000","submit_time":"1578648363","finish_time":"1578649332","status":"cancelled",
"order_idr":"336058","remain_idr":"336058"},{"order_id":"59636253","client_order_id":"clientx-sj82ks83j",
"type":"sell","price":"107202000","submit_time":"1578645288","finish_time":"1578645297","status":"filled",
"order_btc":"0.00313482","remain_btc":"0.00000000"}]}}"""

GET_ORDER = """{"success":1,"return":{"order":{"order_id":"59639504","price":"100207000","type":"buy",
"order_rp":"336058","remain_rp":"336058","submit_time":"1578648363","finish_time":"1578649332",
"status":"cancelled","receive_idr":"336058","refund_idr":"3866","client_order_id":"clientx-sj82ks82j"}}}"""

GET_ORDER_BY_CLIENT_ID = """{"success":1,"return":{"order":{"order_id":"59639504",
"client_order_id":"clientx-sj82ks82j","price":"100207000","type":"buy","order_rp":"336058",
"remain_rp":"336058","submit_time":"1578648363","finish_time":"1578649332","status":"cancelled",
"receive_idr":"336058"}}}"""

CANCEL = """{"success":1,"return":{"order_id":666883,"client_order_id":"clientx-sj82ks82j","type":"sell",
"pair":"btc_idr","balance":{"idr":"33605800","btc":"0.00000000","frozen_idr":"0","frozen_btc":"0.00000000"}}}"""

WITHDRAW_FEE = '{"success":1,"return":{"server_time":1607923272,"withdraw_fee":0.005,"currency":"eth"}}'

WITHDRAW_COIN = """{"success":1,"status":"approved","withdraw_currency":"doge",
"withdraw_address":"D9iCdBLBosJzGSvpQGMSobwtdgB2rS1zam","withdraw_amount":"10.00000000","fee":"5.00000000",
"amount_after_fee":"5.00000000","submit_time":"1578909560","withdraw_id":"doge-1941965","txid":""}"""

WITHDRAW_USERNAME = """{"success":1,"status":"wait","withdraw_currency":"aave","withdraw_address":"",
"withdraw_amount":"0.05000000","fee":"0.00000000","amount_after_fee":"0.05000000","submit_time":"1684723796",
"withdraw_id":"aave-163","txid":"","withdraw_username":"User_13"}"""
