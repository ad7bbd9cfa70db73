package kafka

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCloseBeforeStart(t *testing.T) {
	var states []State
	a, err := New(wordCountTopology(t), Config{
		ApplicationID: "app", BootstrapServers: []string{"127.0.0.1:1"}, StateDir: t.TempDir(),
		StateListener: func(s, _ State) { states = append(states, s) },
	})
	require.NoError(t, err)
	require.Equal(t, Created, a.State())
	require.NoError(t, a.Close())
	require.Equal(t, NotRunning, a.State())
	require.Equal(t, []State{PendingShutdown, NotRunning}, states)
	<-a.Done()
	require.ErrorIs(t, a.Start(context.Background()), ErrStarted)
	require.ErrorIs(t, a.WaitRunning(context.Background()), ErrNotRunning)
}

func TestStartWithoutCluster(t *testing.T) {
	// A port nobody listens on: take a free one and close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	a, err := New(wordCountTopology(t), Config{ApplicationID: "app", BootstrapServers: []string{addr}, StateDir: t.TempDir()})
	require.NoError(t, err)
	err = a.Start(context.Background())
	require.ErrorContains(t, err, "connect to ["+addr+"]")
	require.Equal(t, Error, a.State())
	<-a.Done()
	require.Equal(t, err, a.Close(), "Close returns the error that stopped the application")
	require.ErrorIs(t, a.Start(context.Background()), ErrStarted)
}

func TestNewRejectsBadInput(t *testing.T) {
	_, err := New(nil, Config{ApplicationID: "app", BootstrapServers: []string{"a:1"}})
	require.ErrorContains(t, err, "nil topology")
	_, err = New(wordCountTopology(t), Config{})
	require.ErrorContains(t, err, "ApplicationID is required")
}
