import { maskAddress, maskName, maskPhone } from '@orderline/shared/platform-rules';
import { ConsigneeFacts } from './outbound';

/**
 * Masking of consumer data (domain.md §6.1) for documents logistics prints: only the
 * electronic waybill carries the real phone (§2.1); the packing slip is masked the way every
 * merchant view is.
 */
export function maskedConsignee(consignee: ConsigneeFacts): ConsigneeFacts {
  return { name: maskName(consignee.name), phone: maskPhone(consignee.phone), address: maskAddress(consignee.address) };
}
