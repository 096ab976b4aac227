package org.striate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.io.ModelFile;

/**
 * Where a training run writes its model and its metrics, chosen before training so that a trained
 * model is never written over by accident: an existing --out file is replaced only with --overwrite;
 * when no --out is given and the default name is taken, the next free name is used
 * (models/lenet5-2.striate, -3, ...). {@code note} says which of these happened ("" when neither).
 */
record ModelTarget(Path model, Path metrics, String note) {

    /** The folder of default model names; the system property lets tests point it elsewhere. */
    static Path defaultDir() { return Path.of(System.getProperty("striate.models.default", "models")); }

    static ModelTarget choose(Path out, String baseName, boolean overwrite) {
        Path wanted = out != null ? out : defaultDir().resolve(baseName + ModelFile.EXTENSION);
        if (Files.isDirectory(wanted)) {
            throw new StriateException("--out " + wanted + " is a directory. Expected a file name, e.g. " + wanted.resolve(baseName + ModelFile.EXTENSION) + ".");
        }
        if (!taken(wanted)) return new ModelTarget(wanted, metricsFile(wanted), "");
        if (overwrite) return new ModelTarget(wanted, metricsFile(wanted), "replaced the previous " + wanted + " (--overwrite)");
        if (out != null) {
            throw new StriateException("--out " + wanted + " already exists" + (Files.exists(wanted) ? "" : " (its metrics file " + metricsFile(wanted) + ")")
                    + ". Expected a new file name; pass --overwrite to replace it.");
        }
        String name = wanted.getFileName().toString();
        String stem = name.substring(0, name.length() - ModelFile.EXTENSION.length());
        for (int i = 2; ; i++) {
            Path p = wanted.resolveSibling(stem + "-" + i + ModelFile.EXTENSION);
            if (!taken(p)) return new ModelTarget(p, metricsFile(p), wanted + " exists, so this run went to a new name (--out FILE names the file, --overwrite replaces it)");
        }
    }

    /** models/fashion-cnn.striate → models/fashion-cnn.metrics.csv */
    static Path metricsFile(Path model) {
        String name = model.getFileName().toString();
        if (name.endsWith(ModelFile.EXTENSION)) name = name.substring(0, name.length() - ModelFile.EXTENSION.length());
        return model.resolveSibling(name + ".metrics.csv");
    }

    /** A model or its metrics file is there: either would be lost. */
    private static boolean taken(Path model) { return Files.exists(model) || Files.exists(metricsFile(model)); }
}
