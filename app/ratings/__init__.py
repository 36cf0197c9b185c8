"""Ratings queries (issue 17): what businesses and third-party tools read back from trials.

Per dimension: count, mean, median, standard deviation, a 95 % confidence interval, the 1-5
distribution and a net score; comments with their ratings; slices by area (H3 cell at the
hub's resolution), age band and week; comparisons of two trials or two periods. No answer
reveals a group smaller than the hub's k (`Hub.privacy_k`, app/privacy.py): see `privacy.py`.
"""
