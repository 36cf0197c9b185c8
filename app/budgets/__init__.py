"""Budgets: leaky buckets in Redis for the query cost of each caller and for the few actions
(sign-in, password reset, voucher checks) that need tight limits of their own."""
