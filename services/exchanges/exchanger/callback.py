"""Bid status callbacks: a site POSTs to a bid's ``callback_url`` when the bid's status changes.

The document lists ``bid_id`` (and the bid's account fields) as what is posted, and defines no
signature, hash or secret: nothing in a post proves it comes from the site. So a post only names a bid to
look at again; what the bot believes is what ``bid_info`` answers. Alone, the client trusts no post.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from services.exchanges.callbacks import CallbackReply

BID_ID = "bid_id"
OK = "ok"
REFUSED = "refused"
# the site's bid ids are numbers; anything else is not worth a lookup
_BID_ID = re.compile(r"^[0-9]{1,20}$")


class BidUpdates:
    def bid_id(self, params: Mapping[str, str]) -> str | None:
        """The bid a post names, or None when it names none a site would."""
        value = params.get(BID_ID, "").strip()
        return value if _BID_ID.match(value) else None

    async def answer(self, params: Mapping[str, str]) -> CallbackReply:
        return CallbackReply(403, REFUSED)
