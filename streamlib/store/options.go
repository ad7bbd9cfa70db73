package store

// Option configures a store builder.
type Option func(*config)

type config struct {
	persistent bool
	noLogging  bool
	logConfig  map[string]string
}

func applyOptions(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Persistent keeps the store on disk (Pebble) under the task's state
// directory. The default is in memory.
func Persistent() Option { return func(c *config) { c.persistent = true } }

// WithoutLogging turns off the store's changelog topic; logging is on by
// default, as in Kafka Streams.
func WithoutLogging() Option { return func(c *config) { c.noLogging = true } }

// WithLogConfig sets topic configs of the store's changelog topic.
func WithLogConfig(cfg map[string]string) Option { return func(c *config) { c.logConfig = cfg } }

// LogConfigurer is implemented by builders that carry changelog topic
// configs (see WithLogConfig).
type LogConfigurer interface {
	LogConfig() map[string]string
}

// open makes the byte store a builder's store lives in.
func (c config) open(ctx Context, name string) (Bytes, error) {
	if c.persistent {
		return openPersistentBytes(ctx, name)
	}
	return NewMemoryBytes(), nil
}
