const express = require('express');
const { exec } = require('child_process');

const app = express();

app.get('/ping', (req, res) => {
  exec('ping -c 1 ' + req.query.host, (err, stdout) => {
    if (err) {
      res.status(500).send(err.message);
      return;
    }
    res.send(stdout);
  });
});

app.listen(3000);
