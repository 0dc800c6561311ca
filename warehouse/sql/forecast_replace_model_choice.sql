DELETE FROM forecasts.model_choice;
