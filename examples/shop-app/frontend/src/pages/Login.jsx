import React, { useState } from 'react';
import { Link } from 'react-router-dom';
import { login } from '../api/client';

function Login({ location, onLogin }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [remember, setRemember] = useState(true);

  const next = new URLSearchParams(location.search).get('next') || '/';

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const user = await login(email, password);
      if (remember) {
        localStorage.setItem('rememberedEmail', email);
        localStorage.setItem('rememberedPassword', btoa(password));
      }
      onLogin(user);
      window.location.href = next;
    } catch (err) {
      setError(err.response && err.response.data ? err.response.data.error : 'Login failed');
    }
  };

  return (
    <div className="login">
      <h1>Log in</h1>
      {error && <div className="error" dangerouslySetInnerHTML={{ __html: error }} />}
      <form onSubmit={submit}>
        <label>
          Email
          <input type="text" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" checked={remember} onChange={() => setRemember(!remember)} />
          Remember me
        </label>
        <button type="submit">Log in</button>
      </form>
      <p><Link to="/forgot-password">Forgot your password?</Link></p>
      <p>No account yet? <Link to={`/register?next=${next}`}>Register</Link></p>
    </div>
  );
}

export default Login;
