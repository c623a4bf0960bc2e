import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AccountRole, MerchantPermission } from '@orderline/gateway/domain';

@Entity('account')
export class AccountRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { unique: true }) username: string;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text') role: AccountRole;
  @Column('uuid', { name: 'merchant_id', nullable: true }) merchantId: string | null;
  @Column('uuid', { name: 'buyer_id', nullable: true }) buyerId: string | null;
  @Column('text', { nullable: true }) phone: string | null;
  @Column('boolean') disabled: boolean;
  /** MAIN: the merchant's main account (every permission); SUB: what the main account granted. */
  @Column('text', { default: 'MAIN' }) kind: 'MAIN' | 'SUB';
  @Column('text', { array: true, default: () => "'{}'" }) permissions: MerchantPermission[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('merchant')
export class MerchantRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** The buyer's identity and contact data: personal data stays in the gateway's database. */
@Entity('buyer')
export class BuyerRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') phone: string;
  @Column('uuid', { name: 'credit_account_id', nullable: true }) creditAccountId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export const GATEWAY_ENTITIES = [AccountRecord, MerchantRecord, BuyerRecord];
