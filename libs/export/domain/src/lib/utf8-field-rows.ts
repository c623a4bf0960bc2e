/**
 * A batch of rows whose fields are UTF-8 byte ranges of one buffer, as a reader parsed them
 * without making a string per field (the COPY reader; `CsvLineEncoder` writes them as CSV).
 * Field `f` of row `r` is at index `r * fieldsPerRow + f`; its bytes are `bytes[start, end)`,
 * and a NULL has start and end -1. The batch is valid until the reader's next call.
 */
export interface Utf8FieldRows {
  readonly bytes: Buffer;
  readonly rowCount: number;
  readonly fieldsPerRow: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}
