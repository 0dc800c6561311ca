-- Every backtest score is recomputed together: drop the previous ones (the view new_rows is then inserted).
DELETE FROM forecasts.backtest;
