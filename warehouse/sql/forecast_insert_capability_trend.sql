INSERT INTO forecasts.capability_trend (series, reference, epoch_threshold, n_points, start_date, end_date,
                                        factor, ci90_low, ci90_high, r_squared, points, note)
SELECT series, reference, epoch_threshold, n_points, start_date, end_date, factor, ci90_low, ci90_high,
       r_squared, points, note FROM new_rows;
