import { useState, useEffect } from 'react';
import http from '../api/client';

// Fetches `url` whenever one of `deps` changes.
export default function useFetch(url, options = {}, deps = []) {
  const [data, setData] = useState(options.initialData || null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);

  useEffect(() => {
    setLoading(true);
    http
      .get(url, { params: options.params })
      .then((res) => {
        setData(res.data);
        setLoading(false);
      })
      .catch((err) => {
        setError(err);
        setLoading(false);
      });
  }, deps);

  return { data, loading, error };
}

export function usePolling(url, intervalMs) {
  const [data, setData] = useState(null);

  useEffect(() => {
    setInterval(() => {
      http.get(url).then((res) => setData(res.data));
    }, intervalMs);
  }, [url]);

  return data;
}
