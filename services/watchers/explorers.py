"""Block explorer links for the assets (and networks) that have one everybody knows."""

from __future__ import annotations

import re
from urllib.parse import quote

# by network first (a token lives on the chain of its network), then by the asset's own chain
_BY_NETWORK = {
    "TRC20": "https://tronscan.org/#/transaction/{}",
    "TRX": "https://tronscan.org/#/transaction/{}",
    "ERC20": "https://etherscan.io/tx/{}",
    "ETH": "https://etherscan.io/tx/{}",
    "BEP20": "https://bscscan.com/tx/{}",
    "BSC": "https://bscscan.com/tx/{}",
    "BTC": "https://mempool.space/tx/{}",
    "SOL": "https://solscan.io/tx/{}",
}
_BY_ASSET = {
    "BTC": "https://mempool.space/tx/{}",
    "ETH": "https://etherscan.io/tx/{}",
    "TRX": "https://tronscan.org/#/transaction/{}",
    "LTC": "https://blockchair.com/litecoin/transaction/{}",
    "DOGE": "https://blockchair.com/dogecoin/transaction/{}",
    "SOL": "https://solscan.io/tx/{}",
}
# what a transaction id looks like on these chains; anything else gets no link
_TXID = re.compile(r"^(0x)?[0-9A-Za-z]{16,128}$")


def explorer_url(asset: str, network: str | None, txid: str | None) -> str | None:
    if not txid or not _TXID.match(txid):
        return None
    template = _BY_NETWORK.get((network or "").upper()) or _BY_ASSET.get(asset.upper())
    return None if template is None else template.format(quote(txid, safe=""))
