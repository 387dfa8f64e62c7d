"""Exchange clients behind one interface; see base.ExchangeClient."""
