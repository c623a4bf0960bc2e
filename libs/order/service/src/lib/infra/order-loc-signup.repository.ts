import { EntityManager } from 'typeorm';

/** The LOC sign-up form an order carries (`order_loc_signup`); name, phone and ID stay sealed at rest. */
export interface LocSignupRow {
  order_id: string;
  kind: 'DRIVING_SCHOOL' | 'ACTIVITY';
  sku_id: string;
  class_date: string;
  form_sealed: string;
  signed_up_at: Date;
}

export async function insertLocSignup(manager: EntityManager, signup: { orderId: string; kind: string; skuId: string; classDate: string; formSealed: string; signedUpAt: Date }): Promise<void> {
  await manager.query(`INSERT INTO order_loc_signup (order_id, kind, sku_id, class_date, form_sealed, signed_up_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    signup.orderId,
    signup.kind,
    signup.skuId,
    signup.classDate,
    signup.formSealed,
    signup.signedUpAt,
  ]);
}

export async function locSignupOf(manager: EntityManager, orderId: string): Promise<LocSignupRow | undefined> {
  const [row] = await manager.query(`SELECT order_id, kind, sku_id, to_char(class_date, 'YYYY-MM-DD') AS class_date, form_sealed, signed_up_at FROM order_loc_signup WHERE order_id = $1`, [orderId]);
  return row;
}
