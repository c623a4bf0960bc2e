import { CONSIGNEE_MODE_CODES, EXPORT_FORMAT_CODES, EXPORT_TYPE_CODES } from '@orderline/export/contract';
import { ConsigneeMode, ExportFormat, ExportType } from '@orderline/export/domain';
import { SameCodes } from '@orderline/shared/contracts';

// The response schemas' code lists (contract arrays) equal the domain's unions: see SameCodes.
export const EXPORT_VIEW_CODES_MATCH_THE_DOMAIN: [
  SameCodes<(typeof EXPORT_TYPE_CODES)[number], ExportType>,
  SameCodes<(typeof EXPORT_FORMAT_CODES)[number], ExportFormat>,
  SameCodes<(typeof CONSIGNEE_MODE_CODES)[number], ConsigneeMode>,
] = [true, true, true];
