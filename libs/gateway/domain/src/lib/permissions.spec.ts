import { hasPermission, heldPermissions, MERCHANT_PERMISSIONS, sensitiveExportGrantProblem } from './permissions';

describe('merchant permissions', () => {
  it('gives the main account everything and sub-accounts what was granted', () => {
    expect(hasPermission('MAIN', [], 'EXPORT_SENSITIVE')).toBe(true);
    expect(hasPermission('SUB', ['VIEW_ORDERS'], 'VIEW_ORDERS')).toBe(true);
    expect(hasPermission('SUB', ['VIEW_ORDERS'], 'SHIP')).toBe(false);
  });

  it('lists what an account holds: every permission for the main account, only known grants for a sub-account', () => {
    expect(heldPermissions('MAIN', [])).toEqual([...MERCHANT_PERMISSIONS]);
    expect(heldPermissions('SUB', ['SHIP', 'VIEW_ORDERS', 'NOT_A_PERMISSION'])).toEqual(['VIEW_ORDERS', 'SHIP']);
    expect(heldPermissions('SUB', [])).toEqual([]);
  });

  it('caps EXPORT_SENSITIVE at three sub-accounts', () => {
    expect(sensitiveExportGrantProblem(2, ['EXPORT', 'EXPORT_SENSITIVE'])).toBeUndefined();
    expect(sensitiveExportGrantProblem(3, ['EXPORT', 'EXPORT_SENSITIVE'])).toMatch(/at most 3/);
    expect(sensitiveExportGrantProblem(3, ['EXPORT'])).toBeUndefined();
    expect(sensitiveExportGrantProblem(0, ['EXPORT_SENSITIVE'])).toMatch(/needs EXPORT/);
  });
});
