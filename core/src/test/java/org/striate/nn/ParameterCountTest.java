package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Parameter counts and multiply-adds per sample, as the summary reports them. */
class ParameterCountTest {

    private static void expect(Layer layer, int[] in, int params, long macs) {
        layer.build(in);
        assertEquals(params, layer.paramCount(), layer.spec() + " parameters");
        assertEquals(macs, layer.macs(), layer.spec() + " multiply-adds");
    }

    @Test
    void countsOfEveryLayer() {
        expect(new Conv1d(8, 5).padding(Conv2d.SAME), new int[] {4, 100}, 8 * 4 * 5 + 8, 8L * 100 * 4 * 5);
        expect(new Conv1d(8, 3).groups(4).bias(false), new int[] {4, 10}, 8 * 1 * 3, 8L * 8 * 3);
        expect(new Conv3d(4, 3), new int[] {2, 5, 6, 7}, 4 * 2 * 27 + 4, 4L * 3 * 4 * 5 * 2 * 27);
        expect(new LocallyConnected2d(4, 3), new int[] {3, 8, 8}, 4 * 36 * 27 + 4 * 36, 4L * 36 * 27);
        expect(new LocallyConnected2d(4, 3).bias(false), new int[] {3, 8, 8}, 4 * 36 * 27, 4L * 36 * 27);
        expect(new BatchNorm2d(), new int[] {16, 7, 7}, 32, 16L * 49);
        expect(new ChannelAffine(), new int[] {16, 7, 7}, 32, 16L * 49);
        expect(new ChannelAffine(), new int[] {10}, 20, 10);
        expect(new MaxPool2d(2), new int[] {3, 8, 8}, 0, 0);
        expect(new AvgPool2d(2), new int[] {3, 8, 8}, 0, 0);
        expect(new MinPool2d(2), new int[] {3, 8, 8}, 0, 0);
        expect(new GlobalAvgPool2d(), new int[] {3, 8, 8}, 0, 0);
        expect(new Dropout(0.5f), new int[] {10}, 0, 0);
        expect(new LeakyReLU(), new int[] {10}, 0, 0);
        expect(new Sigmoid(), new int[] {10}, 0, 0);
        expect(new Tanh(), new int[] {10}, 0, 0);
        expect(new Softmax(), new int[] {10}, 0, 0);
    }

    @Test
    void theSeedNotesDenseLayerOnAnImage() {
        // 640×480×3 inputs fully connected to 128 units: 117,964,800 weights (plus 128 biases)
        expect(new Dense(128).bias(false), new int[] {640 * 480 * 3}, 117_964_800, 117_964_800L);
    }
}
