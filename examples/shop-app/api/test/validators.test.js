const validators = require('../src/utils/validators');

describe('validators', () => {
  it('accepts a normal email', () => {
    expect(validators.isEmail('jane.doe@example.com')).toBe(true);
  });

  it('checks passwords', () => {
    expect(validators.isStrongPassword('secret1')).toBeTruthy();
  });

  it('sanitizes html', () => {
    expect(validators.sanitizeHtml('<script>alert(1)</script>')).not.toContain('<script>');
  });
});
