import React, { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { getProducts } from '../api/client';
import { formatPrice, truncate } from '../utils/format';

function highlight(text, term) {
  if (!term) return text;
  return text.replace(new RegExp(term, 'gi'), (match) => `<mark>${match}</mark>`);
}

function SearchResults() {
  const location = useLocation();
  const query = new URLSearchParams(location.search).get('q') || '';
  const [results, setResults] = useState([]);
  const headingRef = useRef(null);

  useEffect(() => {
    headingRef.current.innerHTML = `Search results for <em>${query}</em>`;
    document.title = `${query} - Shop App`;
    getProducts({ q: query }).then((products) => {
      setResults(products);
      if (products.length === 0) {
        headingRef.current.innerHTML = `No results for <em>${query}</em>. Try another search.`;
      }
    });
  }, [query]);

  return (
    <div className="search-results">
      <h1 ref={headingRef} />
      <ul>
        {results.map((p) => (
          <li key={p.id}>
            <Link to={`/products/${p.id}`}>
              <span dangerouslySetInnerHTML={{ __html: highlight(p.name, query) }} />
            </Link>
            <p dangerouslySetInnerHTML={{ __html: highlight(truncate(p.description), query) }} />
            <span className="price">{formatPrice(p.price)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default SearchResults;
