package io.tributary.api.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Complete answers of endpoints with a cache time, least recently used first out. The key holds
 * the endpoint version, the bound parameters and the data version, so new data or a changed
 * endpoint file never hits an old entry; the time to live bounds answers that depend on now().
 */
public final class ResponseCache {
    public record Entry(byte[] body, String contentType, String etag, long expiresAtMillis) {}

    private final int maxEntries;
    private final LinkedHashMap<String, Entry> entries;

    public ResponseCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ResponseCache.this.maxEntries;
            }
        };
    }

    public synchronized Entry get(String key, long nowMillis) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAtMillis <= nowMillis) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    public synchronized void put(String key, Entry entry) {
        entries.put(key, entry);
    }

    public synchronized int size() {
        return entries.size();
    }
}
