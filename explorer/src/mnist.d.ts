export interface TestImages {
    /** 10,000 × 784 pixel bytes. */
    readonly images: Uint8Array;
    readonly labels: Uint8Array;
}
/** The MNIST test set, parsed and checked once per process. */
export declare function testImages(): TestImages;
/** Test image `index` (0..9999): its 784 pixel bytes and its label. */
export declare function testImage(index: number): {
    pixels: Uint8Array;
    label: number;
};
