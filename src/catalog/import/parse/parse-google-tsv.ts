// Google Merchant tab-separated feeds: a header row of attribute names (with or without 'g:', in
// Google's sheet style "item group id" too), one item per row. A column may repeat (several
// additional_image_link columns); its values are then all kept, in column order.

import { csvRecords } from './csv-records.ts'
import { googleColumnName } from './detect-format.ts'
import { type FeedEvent, FeedStructureError } from './feed-item.ts'
import type { FieldLimits } from './field-values.ts'
import { addValue, emptyFields, googleItemEvent } from './google-item.ts'

const requiredColumns = ['id', 'title', 'price']

export async function* parseGoogleTsv(
  text: AsyncIterable<string>,
  options: { defaultCurrency: string; limits: FieldLimits },
): AsyncGenerator<FeedEvent> {
  let columns: string[] | null = null
  for await (const { line, fields } of csvRecords(text, '\t', true)) {
    if (columns === null) {
      columns = fields.map(googleColumnName)
      const missing = requiredColumns.filter((name) => !columns?.includes(name))
      if (missing.length > 0) {
        throw new FeedStructureError(`the header is missing required columns: ${missing.join(', ')}`, line, null)
      }
      continue
    }
    if (fields.every((field) => field.trim() === '')) continue
    if (fields.length > columns.length) {
      yield {
        kind: 'rejection',
        rejection: {
          line,
          itemId: null,
          reason: `the row has ${fields.length} values but the header names ${columns.length} columns`,
        },
      }
      continue
    }
    // Spreadsheets drop trailing empty cells, so a shorter row just has empty values at its end.
    const item = emptyFields()
    fields.forEach((value, index) => {
      addValue(item, columns?.[index] as string, value.trim())
    })
    yield googleItemEvent(line, item, options.defaultCurrency, options.limits)
  }
  if (columns === null) throw new FeedStructureError('the file is empty: no header row', 1, null)
}
