package ghclient

import (
	"fmt"
	"testing"
)

func TestResponseCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newResponseCache(10)
	c.Set("a", []byte("aaaa"))
	c.Set("b", []byte("bbbb"))
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.Set("c", []byte("cccc")) // 12 bytes > 10: b goes, not a
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if _, ok := c.Get(key); ok != want {
			t.Errorf("Get(%s) present = %v, want %v", key, ok, want)
		}
	}
	c.Set("a", []byte("a")) // replacing shrinks the size
	c.Set("d", []byte("dddd"))
	if c.size != 9 {
		t.Errorf("size = %d, want 9 (a=1, c=4, d=4)", c.size)
	}
	c.Delete("c")
	if _, ok := c.Get("c"); ok || c.size != 5 {
		t.Errorf("after Delete: present %v, size %d", ok, c.size)
	}
	c.Set("huge", make([]byte, 11)) // larger than the whole cache: not stored
	if _, ok := c.Get("huge"); ok {
		t.Errorf("an entry larger than the cache was stored")
	}
	if _, ok := c.Get("a"); !ok {
		t.Errorf("storing an oversized entry evicted others")
	}
}

func TestResponseCacheStaysWithinBound(t *testing.T) {
	c := newResponseCache(1000)
	for i := range 500 {
		c.Set(fmt.Sprintf("k%d", i), make([]byte, i%37+1))
		if c.size > 1000 {
			t.Fatalf("size %d exceeds the bound after %d sets", c.size, i+1)
		}
		if c.order.Len() != len(c.entries) {
			t.Fatalf("list (%d) and map (%d) disagree", c.order.Len(), len(c.entries))
		}
	}
}
