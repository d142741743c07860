/** Says plainly, once per run, which engine the store-touching suites run on, and whether the MongoDB leg runs. */
export default function setup() {
  if (process.env.TEST_ENGINE === 'mongodb') {
    console.log('\nMongoDB leg: RUNNING — every store-touching suite on MONGODB_URI (a fresh database per suite).\n');
  } else if (process.env.MONGODB_URI) {
    console.log('\nThis run is on the embedded engine. MONGODB_URI is set: `npm test` runs the MongoDB leg after it (`npm run test:mongo` runs the leg alone).\n');
  } else {
    console.log('\nMongoDB leg: SKIPPED — MONGODB_URI is not set (see README, "Storage engines and the MongoDB test leg"). This run is on the embedded engine.\n');
  }
}
