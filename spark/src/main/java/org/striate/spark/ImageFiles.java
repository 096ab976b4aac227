package org.striate.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.striate.data.ImageFolder;
import org.striate.data.ImageReader;
import org.striate.data.Resize;

/**
 * Image-folder trees ({@code DIR/<class>/<image>.png}) read through Spark's binary-file source: the
 * driver only lists the files; each executor reads the bytes of its own files and decodes them with
 * the core's {@link ImageReader} at the model's input shape, with {@link Resize#AREA}, as
 * {@code striate predict} and the core's image folders read them. The class an image belongs to is the
 * name of the folder that holds it.
 *
 * <p>Files are those with an extension of {@link ImageFolder#EXTENSIONS} in any letter case, at any
 * depth; like every Spark file source, the listing skips names starting with '.' or '_'.
 */
public final class ImageFiles {
    /** Columns of scored image files: the file (as Spark names it), its folder, and that folder's class index in the model. */
    public static final String PATH = "path", FOLDER = "folder";
    /** Columns of Spark's binary-file rows that scoring reads. */
    static final String CONTENT = "content";
    /** The image extensions as a Hadoop glob that ignores letter case: {@code *.{[pP][nN][gG],…}}. */
    static final String GLOB = glob();

    private ImageFiles() {}

    /**
     * The image files under {@code dir} (a local path or any URI Spark reads) as Spark's binary-file
     * rows ({@code path}, {@code modificationTime}, {@code length}, {@code content}); nothing is read
     * until an action asks.
     */
    public static Dataset<Row> read(SparkSession spark, String dir) {
        try {
            return spark.read().format("binaryFile").option("recursiveFileLookup", "true").option("pathGlobFilter", GLOB).load(dir);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // Spark's AnalysisException (a missing folder), which Scala code throws undeclared
            throw new SparkInputException("Cannot list image files under " + dir + ": " + e.getMessage()
                    + ". Expected a folder with one sub-folder of images per class.", e);
        }
    }

    private static String glob() {
        StringBuilder g = new StringBuilder("*.{");
        String sep = "";
        for (String ext : ImageFolder.EXTENSIONS.stream().sorted().toList()) {
            g.append(sep);
            sep = ",";
            for (char c : ext.toCharArray()) g.append('[').append(c).append(Character.toUpperCase(c)).append(']');
        }
        return g.append('}').toString();
    }

    /**
     * The files in fewer, larger tasks. The binary-file source counts an opening cost per file
     * ({@code spark.sql.files.openCostInBytes}, 4 MB) against its partition size
     * ({@code spark.sql.files.maxPartitionBytes}, 128 MB), so small images come about 32 to a task: a
     * task per 32 images, each scored in a batch of 32. Merging neighbouring partitions (no shuffle)
     * gives tasks of about {@code batchSize} files, never fewer tasks than the cluster runs at once.
     */
    static Dataset<Row> packed(Dataset<Row> files, int batchSize) {
        SparkSession spark = files.sparkSession();
        long maxBytes = bytes(spark, "spark.sql.files.maxPartitionBytes", "128m"), openCost = bytes(spark, "spark.sql.files.openCostInBytes", "4m");
        long perPartition = Math.max(1, maxBytes / Math.max(1, openCost));
        int merge = (int) Math.max(1, batchSize / perPartition);
        if (merge == 1) return files;
        int partitions = files.rdd().getNumPartitions();
        int target = Math.max(spark.sparkContext().defaultParallelism(), (partitions + merge - 1) / merge);
        return target < partitions ? files.coalesce(target) : files;
    }

    private static long bytes(SparkSession spark, String key, String fallback) {
        return org.apache.spark.network.util.JavaUtils.byteStringAsBytes(spark.conf().get(key, fallback));
    }

    /** The columns scoring keeps for each file, before the scores. */
    static List<StructField> keptFields() {
        return List.of(DataTypes.createStructField(PATH, DataTypes.StringType, false),
                DataTypes.createStructField(FOLDER, DataTypes.StringType, false),
                DataTypes.createStructField(ImageFrames.LABEL, DataTypes.IntegerType, true));
    }

    /** The reader of binary-file rows, checked against their schema; labels are positions in {@code classNames} (null for other folders). */
    static InputRows rows(StructType schema, int[] inputShape, String[] classNames) {
        int path = column(schema, PATH, DataTypes.StringType), content = column(schema, CONTENT, DataTypes.BinaryType);
        if (inputShape.length != 3) {
            throw new SparkInputException("The model takes input of shape " + Arrays.toString(inputShape)
                    + ". Expected a model for images (C, H, W) to score image files.");
        }
        return new Decoded(path, content, inputShape.clone(), classNames.clone());
    }

    private static int column(StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        if (!schema.getFieldIndex(name).isDefined() || !schema.apply(name).dataType().equals(type)) {
            throw new SparkInputException("The DataFrame has no " + type.simpleString() + " column '" + name + "'; its columns are "
                    + String.join(", ", schema.fieldNames()) + ". Expected the rows of Spark's binary-file source (ImageFiles.read).");
        }
        return schema.fieldIndex(name);
    }

    /** The folder that holds a file: the path's last directory name ('/' separates them in Hadoop paths on every system). */
    static String folder(String path) {
        int end = path.lastIndexOf('/');
        int start = end <= 0 ? -1 : path.lastIndexOf('/', end - 1);
        return end <= 0 ? "" : path.substring(start + 1, end);
    }

    /** Runs on the executors: decodes each row's bytes into the batch and keeps path, folder and label. */
    private record Decoded(int path, int content, int[] shape, String[] classNames) implements InputRows {
        @Override
        public void image(Row row, float[] out, int offset, int size) {
            String name = row.getString(path);
            ImageReader.read((byte[]) row.get(content), name, shape[0], shape[1], shape[2], Resize.AREA, out, offset);
        }

        @Override
        public Object[] kept(Row row) {
            String name = row.getString(path), folder = folder(name);
            int label = Arrays.asList(classNames).indexOf(folder);
            return new Object[] {name, folder, label < 0 ? null : label};
        }
    }

    /** For messages: the extensions read. */
    static String extensions() { return ImageFolder.EXTENSIONS.stream().sorted().map(e -> "." + e.toLowerCase(Locale.ROOT)).toList().toString(); }
}
