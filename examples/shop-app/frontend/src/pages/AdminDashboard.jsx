import React, { useEffect, useState } from 'react';
import http, { getUsers, getReport, reportDownloadUrl } from '../api/client';
import { usePolling } from '../hooks/useFetch';
import { formatDate, formatPrice } from '../utils/format';
import { timeAgo } from '../utils/legacyHelpers';

const REPORT_TYPES = ['sales-daily', 'top-products', 'low-stock', 'refunds', 'user-export', 'custom'];

function AdminDashboard() {
  const stats = usePolling('/admin/stats', 15000);
  const [users, setUsers] = useState([]);
  const [search, setSearch] = useState('');
  const [reportType, setReportType] = useState('sales-daily');
  const [reportParams, setReportParams] = useState('');
  const [reportHtml, setReportHtml] = useState('');
  const [recentOrders, setRecentOrders] = useState([]);

  useEffect(() => {
    async function load() {
      const u = await getUsers('');
      setUsers(u);
      const orders = await http.get('/admin/reports/unshipped', { params: { olderThan: 0 } });
      setRecentOrders(orders.data.rows);
    }
    load();
    setInterval(load, 15000);
  }, []);

  useEffect(() => {
    getUsers(search).then(setUsers);
  }, [search]);

  const runReport = async () => {
    const params = {};
    reportParams.split('&').forEach((pair) => {
      const [k, v] = pair.split('=');
      if (k) params[k] = v;
    });
    const report = await getReport(reportType, { ...params, format: 'json' });
    setReportHtml(report.html);
  };

  const deleteUser = async (id) => {
    await http.delete(`/users/${id}`);
    setUsers(users.filter((u) => u.id !== id));
  };

  return (
    <div className="admin">
      <h1>Dashboard</h1>

      {stats && (
        <div className="stats">
          <div>Users: {stats.users}</div>
          <div>Paid orders: {stats.paidOrders}</div>
          <div>Revenue: {formatPrice(stats.revenue)}</div>
          <div>Pending: {stats.pendingOrders}</div>
          <div>Low stock: {stats.lowStock}</div>
        </div>
      )}

      <section>
        <h2>Users</h2>
        <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search users" />
        <table>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td><a href={u.website}>{u.website}</a></td>
                <td>{u.role}</td>
                <td>{timeAgo(u.last_login)}</td>
                <td><button type="button" onClick={() => deleteUser(u.id)}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2>Waiting to ship</h2>
        <ul>
          {recentOrders.map((o) => (
            <li key={o.orderId}>#{o.orderId} {o.customer} – {o.placed} – {formatPrice(o.total)}</li>
          ))}
        </ul>
      </section>

      <section>
        <h2>Reports</h2>
        <select value={reportType} onChange={(e) => setReportType(e.target.value)}>
          {REPORT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <input
          value={reportParams}
          onChange={(e) => setReportParams(e.target.value)}
          placeholder="from=2019-01-01&to=2019-01-31 or sql=SELECT ..."
        />
        <button type="button" onClick={runReport}>Run</button>
        <a href={reportDownloadUrl(`${reportType}-${formatDate(new Date())}.csv`)}>Download last export</a>
        <div className="report-output" dangerouslySetInnerHTML={{ __html: reportHtml }} />
      </section>
    </div>
  );
}

export default AdminDashboard;
