package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every vector constant of the kernels has the shape of {@link SimdGemm#S}. Vectors of a second shape
 * (a 256-bit species beside the 512-bit one) put two classes in the type profiles of the Vector API's
 * shared methods, and C2 then compiled some kernels as calls to their allocating Java fallbacks, from
 * run to run a different one: training at half speed in some JVMs (ARCHITECTURE.md, BENCHMARKS.md).
 */
class OneVectorShapeTest {

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void everyVectorConstantHasTheKernelsShape() throws Exception {
        VectorShape shape = SimdGemm.S.vectorShape();
        List<String> checked = new ArrayList<>();
        for (Class<?> c : kernelClasses()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) continue;
                f.setAccessible(true);
                Object value = f.get(null);
                VectorShape of = shapeOf(value);
                if (of == null) continue;
                checked.add(c.getSimpleName() + "." + f.getName());
                assertEquals(shape, of, c.getSimpleName() + "." + f.getName() + " is of another shape than SimdGemm.S");
            }
        }
        // the constants this knows of, so that a scan finding none fails instead of passing
        assertTrue(checked.contains("SimdGemm.S") && checked.contains("WinogradTiles.SPREAD_LO") && checked.contains("SimdPool.I"),
                "vector constants found: " + checked);
    }

    private static VectorShape shapeOf(Object value) {
        if (value instanceof VectorSpecies<?> s) return s.vectorShape();
        if (value instanceof Vector<?> v) return v.species().vectorShape();
        if (value instanceof VectorMask<?> m) return m.vectorSpecies().vectorShape();
        if (value instanceof VectorShuffle<?> s) return s.vectorSpecies().vectorShape();
        return null;
    }

    /** The classes of this package, from the directory or jar the kernels were loaded from. */
    private static List<Class<?>> kernelClasses() throws URISyntaxException, ClassNotFoundException {
        File root = new File(SimdGemm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File dir = new File(root, "org/striate/kernels");
        assumeTrue(dir.isDirectory(), "kernels not loaded from a class directory: " + root);
        List<Class<?>> classes = new ArrayList<>();
        for (String name : dir.list()) {
            if (!name.endsWith(".class")) continue;
            classes.add(Class.forName("org.striate.kernels." + name.substring(0, name.length() - ".class".length()), true,
                    OneVectorShapeTest.class.getClassLoader()));
        }
        return classes;
    }
}
