import { EntityManager } from 'typeorm';

/** Whether the merchant signed for the platform carrier's express product (特快送, domain.md §2.1). */
export async function expressContractSigned(manager: EntityManager, merchantId: string): Promise<boolean> {
  const [row] = await manager.query(`SELECT signed FROM merchant_express_contract WHERE merchant_id = $1`, [merchantId]);
  return Boolean(row?.signed);
}

export async function saveExpressContract(manager: EntityManager, merchantId: string, signed: boolean, at: Date): Promise<void> {
  await manager.query(
    `INSERT INTO merchant_express_contract (merchant_id, signed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (merchant_id) DO UPDATE SET signed = EXCLUDED.signed, updated_at = EXCLUDED.updated_at`,
    [merchantId, signed, at],
  );
}
