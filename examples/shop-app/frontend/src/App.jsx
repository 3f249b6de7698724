import React, { useState, useEffect } from 'react';
import { Switch, Route, Link, Redirect } from 'react-router-dom';
import ProductList from './components/ProductList';
import ProductDetail from './components/ProductDetail';
import SearchResults from './components/SearchResults';
import Cart from './components/Cart';
import CheckoutForm from './components/CheckoutForm';
import Login from './pages/Login';
import OrderHistory from './pages/OrderHistory';
import AdminDashboard from './pages/AdminDashboard';
import cartStore from './store/cartStore';
import { getCurrentUser, isAdmin, logout } from './api/client';

function App() {
  const [user, setUser] = useState(getCurrentUser());
  const [cartCount, setCartCount] = useState(cartStore.count());
  const [search, setSearch] = useState('');

  useEffect(() => {
    cartStore.subscribe(() => setCartCount(cartStore.count()));
  });

  const onSearch = (e) => {
    e.preventDefault();
    window.location.href = `/search?q=${search}`;
  };

  const onLogout = () => {
    logout();
    setUser(null);
  };

  return (
    <div className="app">
      <header className="header">
        <Link to="/" className="logo">Shop App</Link>
        <form onSubmit={onSearch} className="search">
          <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search products" />
        </form>
        <nav>
          <Link to="/cart">Cart ({cartCount})</Link>
          {user ? (
            <>
              <Link to="/orders">My orders</Link>
              {isAdmin() && <Link to="/admin">Admin</Link>}
              <a href="#logout" onClick={onLogout}>Log out</a>
            </>
          ) : (
            <Link to="/login">Log in</Link>
          )}
        </nav>
      </header>

      <main>
        <Switch>
          <Route exact path="/" component={ProductList} />
          <Route path="/products/:id" component={ProductDetail} />
          <Route path="/search" component={SearchResults} />
          <Route path="/cart" component={Cart} />
          <Route path="/checkout" render={() => (user ? <CheckoutForm user={user} /> : <Redirect to="/login?next=/checkout" />)} />
          <Route path="/login" render={(props) => <Login {...props} onLogin={setUser} />} />
          <Route path="/orders" render={() => <OrderHistory user={user} />} />
          <Route path="/admin" render={() => (isAdmin() ? <AdminDashboard /> : <Redirect to="/" />)} />
        </Switch>
      </main>

      <footer className="footer">
        <p>&copy; 2019 Shop App &middot; <a href="/terms">Terms</a> &middot; <a href="/privacy">Privacy</a></p>
      </footer>
    </div>
  );
}

export default App;
