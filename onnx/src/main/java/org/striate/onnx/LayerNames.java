package org.striate.onnx;

/**
 * Names for imported layers that a user can pass to --freeze: PyTorch's module path where the
 * exporter kept it ("features.0" from the weight "features.0.weight" or the node "/features/features.0/Conv").
 */
final class LayerNames {
    private LayerNames() {}

    /** The name of the module that owns a weight tensor ("conv1.weight" → "conv1"), or null for generated names. */
    static String ofWeight(String tensor) {
        if (tensor == null || tensor.contains("::") || tensor.isEmpty()) return null;
        for (String suffix : new String[] {".weight", ".bias", "_weight", "/kernel", ":0"}) {
            if (tensor.endsWith(suffix)) return tensor.substring(0, tensor.length() - suffix.length());
        }
        return null;
    }

    /** A node's name without the operator at its end: "/layer1/conv1/Conv" → "layer1.conv1". */
    static String ofNode(String node, String op) {
        String[] parts = node.split("/");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || (i == parts.length - 1 && i > 0 && p.startsWith(op))) continue;
            if (i > 0 && i + 1 < parts.length && parts[i + 1].startsWith(p + ".")) continue; // "/features/features.0/Conv"
            if (b.length() > 0) b.append('.');
            b.append(p);
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** A valid spec name ([A-Za-z_][A-Za-z0-9_.-]*), or null when nothing usable is left. */
    static String sanitize(String name) {
        if (name == null) return null;
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
        while (b.length() > 0 && (b.charAt(0) == '_' || b.charAt(0) == '.' || b.charAt(0) == '-')) b.deleteCharAt(0);
        if (b.length() == 0 || b.length() > 100) return null;
        if (Character.isDigit(b.charAt(0))) b.insert(0, "layer");
        return b.toString();
    }
}
