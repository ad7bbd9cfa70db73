package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
)

// topic makes sure the topic of a source exists and records its
// partition count in the source.
func (e *Engine) topic(ctx context.Context, src *catalog.Source, create bool) error {
	want := 0
	if create {
		want = src.Partitions
	}
	n, err := e.rt.EnsureTopic(ctx, src.Topic, want, src.Replicas)
	if errors.Is(err, ErrNoTopic) {
		kind := strings.ToLower(src.Type.String())
		return fmt.Errorf("%w: Topic '%s' does not exist. If you want to create a new topic for the %s please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: WITH (KAFKA_TOPIC='%s', PARTITIONS=1, ...)",
			catalog.ErrNotFound, src.Topic, kind, src.Topic)
	}
	if err != nil {
		return fmt.Errorf("topic %s: %w", src.Topic, err)
	}
	if src.Partitions > 0 && n != src.Partitions {
		return fmt.Errorf("%w: A Kafka topic with the name '%s' already exists, with %d partitions instead of the %d the statement asks for",
			catalog.ErrInvalid, src.Topic, n, src.Partitions)
	}
	src.Partitions = n
	return nil
}

func (e *Engine) createSource(ctx context.Context, a *catalog.CreateSource, res *Result) error {
	kind := strings.ToUpper(a.Source.Type.String()[:1]) + strings.ToLower(a.Source.Type.String()[1:])
	if a.Exists {
		res.Message = fmt.Sprintf("%s %s already exists", kind, a.Source.Name)
		return nil
	}
	if err := e.topic(ctx, a.Source, true); err != nil {
		return err
	}
	if err := e.cat.Apply(a); err != nil {
		return err
	}
	res.Message = kind + " created"
	return nil
}

func (e *Engine) drop(ctx context.Context, a *catalog.Drop, res *Result) error {
	if a.Source == nil {
		res.Message = fmt.Sprintf("Source %s does not exist.", a.Stmt.Name.Name)
		return nil
	}
	if err := e.cat.Apply(a); err != nil {
		return err
	}
	res.Message = fmt.Sprintf("Source `%s` (topic: %s) was dropped.", a.Source.Name, a.Source.Topic)
	if a.DeleteTopic {
		if err := e.rt.DeleteTopic(ctx, a.Source.Topic); err != nil {
			return fmt.Errorf("%s was dropped, but its topic %s could not be deleted: %w", a.Source.Name, a.Source.Topic, err)
		}
	}
	return nil
}
