"""Trust and safety (PRODUCT.md module 12): reports, the moderation queue, actions on content and
members (hide, warn, suspend, reinstate), appeals, and automatic flags."""
