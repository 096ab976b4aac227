package org.striate.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.striate.data.DataDirectory;
import org.striate.data.Dataset;
import org.striate.data.Resize;
import org.striate.data.TrainTestSplit;

/**
 * Images as Spark rows: {@code index} (long, the sample's position in its source), {@code label}
 * (int) and {@code image} (array of floats in [0, 1], the sample's C·H·W values in channel-first
 * order, as in the library's tensors). {@link SparkScorer} reads such a column; {@link SparkTrainer}
 * reads {@code label} and {@code image}.
 */
public final class ImageFrames {
    public static final String INDEX = "index", LABEL = "label", IMAGE = "image";
    /** Rows per slice when the driver hands a data set to the cluster: small enough to keep tasks light. */
    static final int ROWS_PER_SLICE = 250;

    private ImageFrames() {}

    public static StructType schema() {
        return new StructType(new StructField[] {
            DataTypes.createStructField(INDEX, DataTypes.LongType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(IMAGE, DataTypes.createArrayType(DataTypes.FloatType, false), false)});
    }

    /** The rows of an in-memory data set, in its order, cut into slices of {@value #ROWS_PER_SLICE} rows (tasks of under 1 MB for 28x28 images). */
    public static org.apache.spark.sql.Dataset<Row> of(SparkSession spark, Dataset data) {
        int per = data.images().sampleSize();
        float[] x = data.images().data;
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            float[] image = new float[per];
            System.arraycopy(x, i * per, image, 0, per);
            rows.add(RowFactory.create((long) i, data.labels()[i], image));
        }
        int slices = Math.max(1, (data.size() + ROWS_PER_SLICE - 1) / ROWS_PER_SLICE);
        JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices);
        return spark.createDataFrame(rdd, schema());
    }

    /**
     * The training or test part ({@code split} "train" or "test") of a data directory in any layout
     * {@link DataDirectory} reads, loaded on the driver; image folders are converted to {@code imageShape}.
     */
    public static org.apache.spark.sql.Dataset<Row> load(SparkSession spark, Path dir, String split, int[] imageShape) throws IOException {
        TrainTestSplit both = DataDirectory.load(dir, imageShape, Resize.AREA);
        return of(spark, part(both, split));
    }

    /** "train" or "test" of a split, or a typed error. */
    public static Dataset part(TrainTestSplit both, String split) {
        return switch (split) {
            case "train" -> both.train();
            case "test" -> both.test();
            default -> throw new SparkInputException("Invalid split '" + split + "'. Expected train or test.");
        };
    }

    /** The position of a column of float arrays, or a message naming the column and the columns there are. */
    static int floatArrayColumn(StructType schema, String column) {
        int at;
        try {
            at = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new SparkInputException("The DataFrame has no column '" + column + "'. Expected a column of float arrays; its columns are "
                    + String.join(", ", schema.fieldNames()) + ".");
        }
        DataType type = schema.fields()[at].dataType();
        if (!(type instanceof ArrayType a) || !a.elementType().equals(DataTypes.FloatType)) {
            throw new SparkInputException("Column '" + column + "' holds " + type.simpleString()
                    + ". Expected array<float> (each image's C·H·W values in [0, 1]).");
        }
        return at;
    }

    /** The position of an integer column, or a typed error. */
    static int intColumn(StructType schema, String column) {
        int at;
        try {
            at = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new SparkInputException("The DataFrame has no column '" + column + "'. Expected an int column of class indices; its columns are "
                    + String.join(", ", schema.fieldNames()) + ".");
        }
        if (!schema.fields()[at].dataType().equals(DataTypes.IntegerType)) {
            throw new SparkInputException("Column '" + column + "' holds " + schema.fields()[at].dataType().simpleString() + ". Expected int.");
        }
        return at;
    }

    /** Copies one row's image into {@code out} at {@code offset}, checking its length and values. */
    static void copyImage(Row row, int column, float[] out, int offset, int size) {
        if (row.isNullAt(column)) throw new SparkInputException("A row has no image (null in its image column). Expected " + size + " floats.");
        List<Object> values = row.getList(column);
        if (values.size() != size) {
            throw new SparkInputException("An image has " + values.size() + " values but the model takes " + size
                    + " per sample. Expected images of the model's input shape, flattened channel first.");
        }
        for (int i = 0; i < size; i++) {
            Object v = values.get(i);
            if (v == null) throw new SparkInputException("An image holds a null value at position " + i + ". Expected " + size + " floats.");
            out[offset + i] = (Float) v;
        }
    }
}
