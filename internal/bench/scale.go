package bench

import "context"

// scale measures the index at a million persons and ten million documents.
func scale(ctx context.Context, o Options) ([]Row, error) {
	return []Row{{Dataset: "scale", Metric: "not run yet", Value: "waiting for the generator"}}, nil
}
