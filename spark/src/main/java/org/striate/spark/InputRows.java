package org.striate.spark;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * How a scoring task reads its input rows: each row's image into the batch, and the values the
 * output row keeps before the scores. One for DataFrames with a column of float arrays, one for the
 * files of Spark's binary-file source, which are decoded on the spot.
 */
interface InputRows extends Serializable {
    /** Writes the row's {@code size} image values into {@code out} from {@code offset}. */
    void image(Row row, float[] out, int offset, int size);

    /** The row's values that the output keeps, in the order of the output's first columns. */
    Object[] kept(Row row);

    /** Rows holding an image as a column of float arrays: every other column is kept. */
    record FloatArrays(int imageAt, int columns) implements InputRows {
        @Override
        public void image(Row row, float[] out, int offset, int size) { ImageFrames.copyImage(row, imageAt, out, offset, size); }

        @Override
        public Object[] kept(Row row) {
            Object[] values = new Object[columns - 1];
            int j = 0;
            for (int c = 0; c < columns; c++) if (c != imageAt) values[j++] = row.get(c);
            return values;
        }
    }
}
