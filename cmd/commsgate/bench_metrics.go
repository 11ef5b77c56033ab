package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// metricSample is one scrape of the server's /metrics: series ("name" or
// `name{labels}`) to value. The bench reads the server the way Prometheus
// does, so it measures what an operator would see.
type metricSample map[string]float64

func scrapeMetrics(ctx context.Context, client *http.Client, baseURL string) (metricSample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("scrape metrics: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape metrics: HTTP %d", resp.StatusCode)
	}
	return parseMetrics(bufio.NewScanner(resp.Body))
}

// parseMetrics reads Prometheus' text format: comment lines are skipped,
// every other line is "series value".
func parseMetrics(sc *bufio.Scanner) (metricSample, error) {
	sample := metricSample{}
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cut := strings.LastIndexByte(line, ' ')
		if cut < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[cut+1:], 64)
		if err != nil {
			continue
		}
		sample[line[:cut]] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return sample, nil
}

// sum adds every series of the metric whose labels contain each filter
// ("" matches all), e.g. sum("commsgate_webhooks_total", `outcome="accepted"`).
func (m metricSample) sum(name string, filters ...string) float64 {
	total := 0.0
	for series, v := range m {
		base, labels, _ := strings.Cut(series, "{")
		if base != name {
			continue
		}
		ok := true
		for _, f := range filters {
			if f != "" && !strings.Contains(labels, f) {
				ok = false
			}
		}
		if ok {
			total += v
		}
	}
	return total
}

// delta is how much a counter grew since before.
func (m metricSample) delta(before metricSample, name string, filters ...string) float64 {
	return m.sum(name, filters...) - before.sum(name, filters...)
}

// meanDelta is the mean of a histogram's observations made since before.
func (m metricSample) meanDelta(before metricSample, histogram, filter string) time.Duration {
	n := m.delta(before, histogram+"_count", filter)
	if n <= 0 {
		return 0
	}
	secs := m.delta(before, histogram+"_sum", filter) / n
	return time.Duration(secs * float64(time.Second))
}

// readProcMemory returns the process' peak and current resident set
// (VmHWM, VmRSS) in bytes; zero where /proc is not there.
func readProcMemory() (peak, current uint64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmHWM":
			peak = kb << 10
		case "VmRSS":
			current = kb << 10
		}
	}
	return peak, current
}

// liveHeap is the heap the last garbage collection found live: the
// memory the program actually holds, without garbage not yet collected.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// machine describes where the figures were measured.
type machine struct {
	CPUs      int
	CPUModel  string
	GCPercent int
	GoVersion string
	OS        string
}

func describeMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPUModel: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}
