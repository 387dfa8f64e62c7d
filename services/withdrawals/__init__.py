"""Withdrawals that teammates approve: the request and its checks, the policy (limits, allowlist),
the approval quorum and execution exactly once through the action engine."""
