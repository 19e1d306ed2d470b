"""Building blocks of the sample-data generator (not part of riskload)."""
