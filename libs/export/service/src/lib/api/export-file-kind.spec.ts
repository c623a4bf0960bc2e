import { EXPORT_FILE_MEDIA_TYPES } from '@orderline/export/contract';
import { exportFileKind } from '@orderline/export/domain';

// The OpenAPI document declares the download's media types from the contract; the files are
// served with the export domain's content types: both must name the same types.
describe('export file media types', () => {
  it('the contract names the types the export domain serves', () => {
    expect(exportFileKind('CSV', false).contentType.split(';')[0]).toBe(EXPORT_FILE_MEDIA_TYPES.CSV);
    expect(exportFileKind('XLSX', false).contentType).toBe(EXPORT_FILE_MEDIA_TYPES.XLSX);
    expect(exportFileKind('CSV', true).contentType).toBe(EXPORT_FILE_MEDIA_TYPES.ENCRYPTED);
    expect(exportFileKind('XLSX', true).contentType).toBe(EXPORT_FILE_MEDIA_TYPES.ENCRYPTED);
  });
});
