"""Product trials (PRODUCT.md module 9, issue 17): businesses post trials, members apply and
report, ratings queries read the reports back (app/ratings)."""
