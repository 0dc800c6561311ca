"""What a workload costs: workload profiles and billing offers."""
