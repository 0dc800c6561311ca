"""Forecasting: series, statsmodels models and backtests (fit), capability ratings, the Epoch AI check."""
